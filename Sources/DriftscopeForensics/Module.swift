// Module DriftscopeForensics.
