"""climann.data"""
