/* `secsim trace`: processor timelines of a PLP run, for teaching. */
#ifndef SS_TRACE_H
#define SS_TRACE_H

int ss_cmd_trace(int argc, char **argv);

#endif
