"""Meedoen: guidance towards participation for people on bijstand, with policy as data."""

__version__ = "0.1.0"
