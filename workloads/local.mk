# workloads/: what drives a host: in-memory drivers, netperf streams.
