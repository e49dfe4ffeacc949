NAME = ""
SETTINGS = ["apiKey"]
