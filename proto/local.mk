# proto/: protocol layers as registered types with cost programs, the
# stack grammar, protocol cost profiles, IPsec and the TCP engine.
