"""atsim: a cellular-modem simulator."""
