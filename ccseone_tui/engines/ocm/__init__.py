"""The ``ocm`` engine: an Open Cluster Management hub is the control plane. Everything that
names an OCM API group lives in this package; services reach it through
``engines.factory`` and the ``engines.base`` protocol only."""
