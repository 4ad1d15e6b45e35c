"""climann.model: a feedforward neural network in plain NumPy.

One module per concern: ``activations`` (σ and σ'), ``losses`` (J and ∂J/∂ŷ),
``initializers``, ``parameters`` (one flat vector for all weights and biases),
``backprop`` (forward pass and backpropagation), ``network`` (the Network),
``optimizers``, ``regularization`` (L2 penalty, gradient clipping), ``schedules``
(learning rate per epoch), ``stopping`` (early stopping), ``batches`` (mini-batches from
arrays or a stream), ``training`` (the loop), ``threads`` (the BLAS threads that pay for
the matrix sizes), ``sum_training`` (the loop from sums or rounds computed elsewhere),
``local_sgd`` (a replica's steps and the replicas' average), ``state`` (what continues an
interrupted run, and its file), ``gradcheck`` (finite differences) and ``files`` (model files).
"""

from climann.model.gradcheck import finite_difference_gradients, relative_error
from climann.model.network import Network
from climann.model.optimizers import Adam, AdamW, GradientDescent, Momentum, Nesterov, RMSProp
from climann.model.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    ReduceOnPlateau,
    StepDecay,
)
from climann.model.state import TrainingState, load_state, save_state
from climann.model.stopping import EarlyStopping
from climann.model.training import (
    History,
    StopRequest,
    TrainingDiverged,
    TrainingInterrupted,
    train,
)

__all__ = [
    "Adam",
    "AdamW",
    "Constant",
    "CosineDecay",
    "EarlyStopping",
    "ExponentialDecay",
    "GradientDescent",
    "History",
    "Momentum",
    "Nesterov",
    "Network",
    "RMSProp",
    "ReduceOnPlateau",
    "StepDecay",
    "StopRequest",
    "TrainingDiverged",
    "TrainingInterrupted",
    "TrainingState",
    "finite_difference_gradients",
    "load_state",
    "relative_error",
    "save_state",
    "train",
]
