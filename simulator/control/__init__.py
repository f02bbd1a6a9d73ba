"""The control plane: an HTTP/JSON API served by the running simulator (the modems, their
faults, an event stream, metrics), and ``atsim``, its command-line client.

It sits on top of everything: it reads the modems through their services, starts and ends
faults through the simulator's ``Injector``, and watches the modems through
``Modem.observers``, which cost nothing while the control plane is off.
"""
