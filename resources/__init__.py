"""Files shipped with the program; wheels carry this folder as the package ``studio.resources``."""
