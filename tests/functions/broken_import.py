KIND = "destination"
NAME = "Broken"
LIMIT = 1 / 0
