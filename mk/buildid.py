#!/usr/bin/env python3
"""buildid.py: stamps the BIOS body and gap part with one build id (gap.h: body+8, gap+16)."""
import hashlib
import sys

BODY_ID_OFF = 8           # gap.h BODY_BUILDID_OFF
GAP_ID_OFF = 8 + 8        # GAP_HDR_OFF + GH_BUILD_ID

body_in, gap_in, body_out, gap_out = sys.argv[1:5]
body = bytearray(open(body_in, 'rb').read())
gap = bytearray(open(gap_in, 'rb').read())
if body[4:8] != b'BTN3' or gap[4:8] != b'BTN2' or gap[8:12] != b'BTNG':
    sys.exit('buildid.py: not a BIOS body and gap part')
body[BODY_ID_OFF:BODY_ID_OFF + 8] = bytes(8)
bid = hashlib.sha256(body).digest()[:8]
body[BODY_ID_OFF:BODY_ID_OFF + 8] = bid
gap[GAP_ID_OFF:GAP_ID_OFF + 8] = bid
open(body_out, 'wb').write(body)
open(gap_out, 'wb').write(gap)
