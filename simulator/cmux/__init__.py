"""3GPP TS 27.010 multiplexing, DCE (modem) side.

``fcs``       the frame check sequence (CRC-8, table driven)
``frames``    frame types, field layouts (``construct``), encoding for both options
``decoder``   sans-IO frame decoder: ``receive_data(bytes)``, ``next_event()``
``messages``  control-channel messages on DLC 0 (PN, MSC, TEST, FCon/FCoff, PSC, CLD, ...)
``states``    what the modem does with each frame in each DLC state
``config``    session parameters (the +CMUX values) and per-modem settings
``session``   the multiplexer state machine (no I/O; timers on an ``IReactorTime``)
``device``    glue: the multiplexer as the device of a physical ``Channel``, DLCs as
              ``Channel``\\ s of their own

Nothing here knows about AT commands or modems: the owner of a multiplexer decides what
attaches to each DLC channel.
"""
