"""The organisation tree (city > district > street > community > compound, with Party bodies) and roles."""
