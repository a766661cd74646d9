def pytest_configure(config):
    config.addinivalue_line("markers", "soak: the long soak (minutes); runs only with -m soak")
