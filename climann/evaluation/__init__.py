"""climann.evaluation"""
