"""The Choice state: its rules and the state itself."""
