"""The screens of the window, one module each, on a Tuxemon-style stack (``base``)."""
