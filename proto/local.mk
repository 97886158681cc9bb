# proto/: protocol layers as registered types with cost programs, the
# stack grammar, protocol cost profiles, IPsec and the TCP engine.
noinst_LIBRARIES += libss_proto.a
libss_proto_a_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(CRYPTO_CFLAGS)
libss_proto_a_SOURCES = \
	proto/ss_tcp.h proto/tcp.c
SS_PROTO_LIBS = libss_proto.a
