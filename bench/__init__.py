"""The benchmark harness behind `make bench`: a development tool, not part of the shipped portal.

It runs with its own settings (bench.settings: the portal's, plus this package as an app for its command).
"""
