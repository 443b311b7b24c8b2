"""Clinical recognizers, one module per kind of identifier. Each class is registered with
:func:`deid.text.registry.register`; see that module for how to add one."""
