"""Error codes the modem services raise, named as 3GPP TS 27.007 §9.2 and TS 27.005 §3.2.5
name them, so a handler reads ``CmeError(SIM_PIN_REQUIRED)`` rather than a bare number."""

from __future__ import annotations

# -- +CME ERROR (27.007 §9.2.1 general errors, §9.2.2 packet domain errors) ----------------
PHONE_FAILURE = 0
OPERATION_NOT_ALLOWED = 3
OPERATION_NOT_SUPPORTED = 4
SIM_NOT_INSERTED = 10
SIM_PIN_REQUIRED = 11
SIM_PUK_REQUIRED = 12
SIM_FAILURE = 13
INCORRECT_PASSWORD = 16
NOT_FOUND = 22
NO_NETWORK_SERVICE = 30
INCORRECT_PARAMETERS = 50
UNSPECIFIED_GPRS_ERROR = 148

# -- +CMS ERROR (27.005 §3.2.5) ---------------------------------------------------------------
CMS_OPERATION_NOT_ALLOWED = 302
CMS_OPERATION_NOT_SUPPORTED = 303
CMS_SIM_NOT_INSERTED = 310
CMS_SIM_PIN_REQUIRED = 311
CMS_SIM_FAILURE = 313
CMS_SIM_PUK_REQUIRED = 316
CMS_SMSC_ADDRESS_UNKNOWN = 330

#: The +CMS code for each +CME code a SIM problem gives (27.005 has its own numbers for them).
CMS_FOR_SIM_CME = {
    SIM_NOT_INSERTED: CMS_SIM_NOT_INSERTED,
    SIM_PIN_REQUIRED: CMS_SIM_PIN_REQUIRED,
    SIM_PUK_REQUIRED: CMS_SIM_PUK_REQUIRED,
    SIM_FAILURE: CMS_SIM_FAILURE,
}
