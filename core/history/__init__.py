"""A made-up clinic history for demo and benchmark databases: planned (``plan``), copied from sessions
``Care`` recorded (``templates``, ``sessions``) and written in bulk with its audit trail (``build``)."""
