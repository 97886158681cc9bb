# platform/: hardware components every host is built from: packets,
# links, the I/O bus, NICs, and the host that joins them.
