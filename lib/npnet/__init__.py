"""npnet — a small, readable NumPy neural-network library for the book.

Core names are importable from the top level (see ``__all__``); the submodules ``init``,
``optim``, ``gradcheck``, ``stats``, ``train`` and ``data`` are loaded too. ``npnet_book.plots``,
``npnet_book.explore`` need matplotlib/ipywidgets and are imported explicitly.
"""

from . import data, gradcheck, init, optim, stats, train
from .layers import (ELU, BatchNorm, Dropout, Identity, LayerNorm, LeakyReLU, Linear, ReLU,
                     Sigmoid, Tanh)
from .losses import DivergenceError, binary_cross_entropy_with_logits, mse, softmax_cross_entropy
from .model import Sequential, mlp
from .optim import SGD, Adam

__all__ = [
    "Linear", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Identity", "BatchNorm", "Dropout",
    "LayerNorm", "Sequential", "mlp", "softmax_cross_entropy", "mse",
    "binary_cross_entropy_with_logits",
    "SGD", "Adam", "DivergenceError",
]

__version__ = "0.1.0"
