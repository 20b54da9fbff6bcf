"""zorgregio: regional purchasing, contracts and monitoring of Wmo and youth care."""

__version__ = "0.1.0"
