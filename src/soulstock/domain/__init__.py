"""The pure heart of Soulstock: no I/O, no framework, time passed in as an argument."""
