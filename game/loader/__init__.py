"""Reading scenario files: YAML source -> plain data with marks -> a checked ``Scenario``."""
