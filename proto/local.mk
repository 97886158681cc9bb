# proto/: protocol layers as registered types with cost programs, the
# stack grammar, protocol cost profiles (proto/profiles/), IPsec and the
# TCP engine.

# Protocol cost profiles ship as data: SS_DATADIR "/proto/profiles".
EXTRA_DIST += proto/profiles
