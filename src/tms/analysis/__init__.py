"""Functions of trained weights, used by the claims (``tms.claims``) and the plots
(``tms.plots``): metrics, geometry, theory, phase diagrams, learning dynamics, neurons and
circuits, and the measures of the x·y MLP (``product``) and of the SAEs (``sae``). They import
from ``tms.core``, never the reverse."""
