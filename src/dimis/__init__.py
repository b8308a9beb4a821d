"""DIMIS — Defense Industry Management Information System."""
