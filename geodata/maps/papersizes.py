"""The sizes of the print map: a module of its own so that the command line can list them
without loading matplotlib."""

PIXELS = {"a4": ((3508, 2480), 300), "a3": ((4961, 3508), 300), "phone": ((1080, 1920), 200)}
"""PNG size in pixels and dots per inch: A4 and A3 landscape at 300 dpi, a phone screen."""
SIZES = {name: ((w / dpi, h / dpi), dpi) for name, ((w, h), dpi) in PIXELS.items()}
"""Page size in inches and dots per inch."""
