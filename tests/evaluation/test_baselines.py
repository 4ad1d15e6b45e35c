import numpy as np

from climann.evaluation.baselines import LinearRegression


def test_linear_regression_recovers_an_exact_linear_relation():
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(200, 3))
    target = inputs @ np.array([[2.0], [-1.0], [0.5]]) + 3.0
    fit = LinearRegression.fit(inputs, target)
    np.testing.assert_allclose(fit.weights[:, 0], [2.0, -1.0, 0.5], atol=1e-10)
    np.testing.assert_allclose(fit.bias, [3.0], atol=1e-10)


def test_least_squares_residuals_are_orthogonal_to_the_features():
    rng = np.random.default_rng(2)
    inputs = rng.normal(size=(500, 4)).astype(np.float32)
    target = np.sin(inputs[:, :1]) + inputs[:, 1:2] ** 2
    residual = target - LinearRegression.fit(inputs, target).predict(inputs)
    design = np.hstack([inputs, np.ones((500, 1))])
    np.testing.assert_allclose(design.T @ residual, 0, atol=1e-8)  # the normal equations
