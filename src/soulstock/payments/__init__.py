"""Payment providers behind one interface; ``dev`` is built in for the demo and the tests."""
