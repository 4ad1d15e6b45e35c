"""climann.model: a feedforward neural network in plain NumPy.

One module per concern: ``activations`` (σ and σ'), ``losses`` (J and ∂J/∂ŷ),
``initializers``, ``network`` (forward pass and backpropagation), ``optimizers``,
``training`` (the loop), ``gradcheck`` (finite differences) and ``files`` (model files).
"""

from climann.model.gradcheck import finite_difference_gradients, relative_error
from climann.model.network import Network
from climann.model.training import History, train

__all__ = ["History", "Network", "finite_difference_gradients", "relative_error", "train"]
