"""Reading and writing the files other systems use."""
