/* Sweeps over MPI ranks (built with ./configure --with-mpi). Rank 0
   schedules and stores; every other rank asks it for work items, runs
   them and sends back each result. Points differ a lot in cost, so the
   items are handed out one at a time on request (dynamic balancing),
   a few requested ahead so that a rank never idles while its next
   request crosses to rank 0. Only rank 0 opens the database.

   Results travel as raw bytes: the ranks run the same binary on the same
   architecture (an assumption mpirun does not check), so doubles arrive
   bit for bit and the stored numbers equal a serial run's.

   Open MPI's blocking receives poll the processor at full speed; rank 0
   does little work, so it probes and sleeps instead (WAIT_* below),
   leaving the processors to the ranks that compute. */
#include "ss_mpi.h"

#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ss_err.h"

enum {
	TAG_HELLO = 1,   /* worker -> 0, first: its scenario's effective settings */
	TAG_REQUEST,     /* worker -> 0: one more item, please */
	TAG_RESULT,      /* worker -> 0: one replication or batch of an item */
	TAG_FINISHED,    /* worker -> 0: an item is done (its status) */
	TAG_BYE,         /* worker -> 0: stopped, nothing more will come */
	TAG_PACK,        /* worker -> 0: several of the above, see outbox */
	TAG_ITEM,        /* 0 -> worker: compute this */
	TAG_STOP         /* 0 -> worker: no more work */
};

/* Work a rank holds: the item it runs and those it asked for ahead, so
   that it does not idle while rank 0 cannot answer: rank 0 stores every
   result itself, and SQLite's checkpoints sync the disk (10 to 30 ms
   measured here, more on a busy machine). A rank asks ahead for about
   AHEAD_S seconds of work at its recent pace (so many cheap items, few
   dear ones), between AHEAD_MIN and AHEAD_MAX items. Items held cannot
   move to an idle rank: at the end ranks differ by about AHEAD_S. */
#define AHEAD_S 0.05
#define AHEAD_MIN 2
/* Asked for before the pace is known: enough that the first replies'
   round trip through a sleeping rank 0 (measured: 4.5 ms idle per rank
   with 2) is hidden; the share rule of serve() still caps what a rank
   holds near the end. */
#define AHEAD_INIT 8
#define AHEAD_MAX 64
#define WAIT_MIN_NS 20000L      /* first sleep between probes while idle */
#define WAIT_MAX_NS 1000000L    /* longest: 1 ms, well below the work asked ahead */
/* Rank 0 sleeps this long whenever nothing has come: every wake-up takes
   a processor from a worker, and the workers' requests run FLUSH_S and
   more ahead of their need, so a reply 2 ms late costs nothing. */
#define MASTER_WAIT_NS 2000000L
/* ... except while a rank's request is held back (the end's shares, or
   precision mode waiting for a point): the answer waits for an item to
   finish, and the requester idles until rank 0 sees it. */
#define MASTER_URGENT_NS 100000L

/* A result on the wire: this header, then n metrics. */
typedef struct result_msg {
	ss_sweep_item it;
	int rep;
	double t0, t1;
	ss_run_info info;
	double bottleneck_util;
	char bottleneck[SS_METRIC_NAME];
	size_t n;
} result_msg;

typedef struct finished_msg {
	ss_sweep_item it;
	int rc;
	char err[512];
} finished_msg;

/* Under mpirun (Open MPI, PMIx, MPICH's PMI): otherwise MPI is not
   started at all and secsim runs as the plain build does. */
static int launched(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int ss_mpi_init(int *argc, char ***argv, char *err, size_t errlen)
{
	if (!launched())
		return SS_OK;
	if (MPI_Init(argc, argv) != MPI_SUCCESS) {
		ss_errbuf(err, errlen, "secsim: MPI_Init failed");
		return SS_EINVAL;
	}
	/* Errors come back as return codes, to be reported as such. */
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	return SS_OK;
}

void ss_mpi_fini(void)
{
	int up = 0, down = 0;
	MPI_Initialized(&up);
	MPI_Finalized(&down);
	if (up && !down)
		MPI_Finalize();
}

int ss_mpi_size(void)
{
	int up = 0, n = 1;
	MPI_Initialized(&up);
	if (up)
		MPI_Comm_size(MPI_COMM_WORLD, &n);
	return n;
}

int ss_mpi_rank(void)
{
	int up = 0, r = 0;
	MPI_Initialized(&up);
	if (up)
		MPI_Comm_rank(MPI_COMM_WORLD, &r);
	return r;
}

void ss_mpi_barrier(void)
{
	if (ss_mpi_size() > 1)
		MPI_Barrier(MPI_COMM_WORLD);
}

/* Sleeps between probes while idle, longer each time up to WAIT_MAX_NS. */
static void idle(long *ns)
{
	struct timespec ts = {0, *ns};
	nanosleep(&ts, NULL);
	if (*ns < WAIT_MAX_NS)
		*ns *= 2;
}

/* Sends and waits until the buffer may be reused (rank 0's answers:
   it has nothing else to do meanwhile). Open MPI's blocking send spins
   in its progress loop until rank 0 takes the message, even a small
   one; wait by testing and sleeping instead. */
static int send(const void *buf, size_t len, int to, int tag)
{
	MPI_Request rq;
	if (MPI_Isend(buf, (int)len, MPI_BYTE, to, tag, MPI_COMM_WORLD, &rq) != MPI_SUCCESS)
		return SS_EIO;
	long ns = WAIT_MIN_NS;
	for (;;) {
		int done = 0;
		if (MPI_Test(&rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
			return SS_EIO;
		if (done)
			return SS_OK;
		idle(&ns);
	}
}

/* A worker's messages to rank 0. A computing rank must not wait on
   rank 0, which sleeps between probes and stalls on the disk's sync
   (measured: blocking sends of 536 bytes took a third of a worker's
   time), and rank 0 must not wake for every message (three per item, and
   each wake-up takes a processor from a worker). So a worker packs its
   messages, records of (tag, length, bytes) 8-byte aligned, and sends a
   pack without waiting every FLUSH_S or before it would wait for work;
   a pack's buffer is freed once a later test finds it delivered. */
#define FLUSH_S 0.01

typedef struct pack_rec {
	int32_t tag;
	uint32_t len;
} pack_rec;

#define PACK_ALIGN(n) (((n) + 7u) & ~(size_t)7u)

typedef struct outbox {
	MPI_Request *rq; /* packs in flight, and their buffers */
	void **buf;
	size_t n, cap;
	char *pack; /* the pack being filled */
	size_t len, room;
	double since; /* wall time of its first record */
} outbox;

/* Frees the buffers of the packs that have left; with wait, sleeps
   until all have. */
static int outbox_reap(outbox *o, int wait)
{
	long ns = WAIT_MIN_NS;
	for (;;) {
		size_t k = 0;
		for (size_t i = 0; i < o->n; i++) {
			int done = 0;
			if (MPI_Test(&o->rq[i], &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
				return SS_EIO;
			if (done) {
				free(o->buf[i]);
				continue;
			}
			o->rq[k] = o->rq[i];
			o->buf[k++] = o->buf[i];
		}
		o->n = k;
		if (!wait || o->n == 0)
			return SS_OK;
		idle(&ns);
	}
}

/* Sends the pack being filled, if any, without waiting. */
static int outbox_flush(outbox *o)
{
	if (o->len == 0)
		return SS_OK;
	int rc = outbox_reap(o, 0);
	if (rc)
		return rc;
	if (o->n == o->cap) {
		size_t nc = o->cap ? 2 * o->cap : 16;
		MPI_Request *nr = realloc(o->rq, nc * sizeof *nr);
		if (nr)
			o->rq = nr;
		void **nb = nr ? realloc(o->buf, nc * sizeof *nb) : NULL;
		if (!nb)
			return SS_ENOMEM;
		o->buf = nb;
		o->cap = nc;
	}
	if (o->len > INT32_MAX)
		return SS_EIO;
	if (MPI_Isend(o->pack, (int)o->len, MPI_BYTE, 0, TAG_PACK, MPI_COMM_WORLD, &o->rq[o->n]) != MPI_SUCCESS)
		return SS_EIO;
	o->buf[o->n++] = o->pack;
	o->pack = NULL;
	o->len = o->room = 0;
	return SS_OK;
}

/* Adds a message to the pack; sends the pack when it is FLUSH_S old. */
static int outbox_post(outbox *o, const void *buf, size_t len, int tag)
{
	size_t need = o->len + sizeof(pack_rec) + PACK_ALIGN(len);
	if (len > UINT32_MAX)
		return SS_EIO;
	if (need > o->room) {
		size_t nr = o->room ? 2 * o->room : 4096;
		while (nr < need)
			nr *= 2;
		char *np = realloc(o->pack, nr);
		if (!np)
			return SS_ENOMEM;
		o->pack = np;
		o->room = nr;
	}
	if (o->len == 0)
		o->since = ss_sweep_wall();
	pack_rec r = {.tag = tag, .len = (uint32_t)len};
	memcpy(o->pack + o->len, &r, sizeof r);
	if (len)
		memcpy(o->pack + o->len + sizeof r, buf, len);
	memset(o->pack + o->len + sizeof r + len, 0, PACK_ALIGN(len) - len);
	o->len = need;
	if (ss_sweep_wall() - o->since >= FLUSH_S)
		return outbox_flush(o);
	return SS_OK;
}

static void outbox_fini(outbox *o)
{
	free(o->rq);
	free(o->buf);
	free(o->pack);
}

/* Waits for a message (from anyone when from is MPI_ANY_SOURCE: rank 0)
   by probing and sleeping, then receives it into *buf (grown as needed).
   Returns an ss_status. */
static int receive(int from, long first_ns, void **buf, size_t *cap, MPI_Status *stv, int *len)
{
	long ns = first_ns;
	for (;;) {
		int flag = 0;
		if (MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, stv) != MPI_SUCCESS)
			return SS_EIO;
		if (flag)
			break;
		idle(&ns);
	}
	if (MPI_Get_count(stv, MPI_BYTE, len) != MPI_SUCCESS || *len < 0)
		return SS_EIO;
	if ((size_t)*len > *cap) {
		void *nb = realloc(*buf, (size_t)*len);
		if (!nb)
			return SS_ENOMEM;
		*buf = nb;
		*cap = (size_t)*len;
	}
	MPI_Status st2;
	if (MPI_Recv(*buf, *len, MPI_BYTE, stv->MPI_SOURCE, stv->MPI_TAG, MPI_COMM_WORLD, &st2) != MPI_SUCCESS)
		return SS_EIO;
	return SS_OK;
}

typedef struct rank_state {
	int pending; /* requests not answered yet */
	int inhand;  /* items sent, not finished */
	int stopped; /* told to stop */
} rank_state;

/* Answers the requests of rank w that can be answered now. Near the end
   a rank gets no more than its share of what is left, so that no rank
   sits on items another could run while it idles. */
static int serve(ss_sweep *sw, rank_state *r, int w, int workers)
{
	while (r->pending > 0) {
		if (!r->stopped && r->inhand > 0 && (size_t)r->inhand > ss_sweep_left(sw) / (size_t)workers)
			return SS_OK; /* answered when one of its items finishes */
		ss_sweep_item it;
		int what = r->stopped ? SS_SWEEP_END : ss_sweep_next(sw, &it);
		if (what == SS_SWEEP_WAIT)
			return SS_OK; /* answered when an item finishes */
		int rc = what == SS_SWEEP_ITEM ? send(&it, sizeof it, w, TAG_ITEM) : send(NULL, 0, w, TAG_STOP);
		if (rc)
			return rc;
		r->pending--;
		r->inhand += what == SS_SWEEP_ITEM;
		r->stopped |= what == SS_SWEEP_END;
	}
	return SS_OK;
}

/* One message of rank w to rank 0 (a record of a pack). Returns a
   failure to stop on. */
static int handle(ss_sweep *sw, rank_state *rs, int size, int w, int tag, void *buf, size_t len, int *byes)
{
	int failed = SS_OK;
	switch (tag) {
	case TAG_HELLO: {
		/* Ranks that loaded other settings (a file changed between
		   their starts, another working directory) would store
		   numbers no serial run gives. */
		const char *mine = ss_sweep_config(sw);
		if (len != strlen(mine) || memcmp(buf, mine, len))
			ss_sweep_abort(sw, SS_EINVAL, "MPI: the ranks loaded different scenarios (each rank must "
						      "see the same files, in the same working directory)");
		break;
	}
	case TAG_REQUEST:
		rs[w].pending++;
		break;
	case TAG_RESULT: {
		result_msg *h = buf;
		if (len < sizeof *h || len != sizeof *h + h->n * sizeof(ss_metric)) {
			failed = SS_EIO;
			break;
		}
		/* A view of the metrics in the message, read-only. */
		ss_metrics m = {(ss_metric *)(h + 1), h->n, h->n, "", h->bottleneck_util};
		memcpy(m.bottleneck, h->bottleneck, sizeof m.bottleneck);
		ss_sweep_store(sw, &h->it, h->rep, &m, &h->info, h->t0, h->t1);
		break;
	}
	case TAG_FINISHED: {
		finished_msg *f = buf;
		if (len != sizeof *f) {
			failed = SS_EIO;
			break;
		}
		f->err[sizeof f->err - 1] = '\0';
		ss_sweep_finish(sw, &f->it, f->rc, f->err);
		rs[w].inhand--;
		/* Precision mode, or the end's shares: waiting requests may
		   have work now. */
		for (int v = 1; v < size && !failed; v++)
			failed = serve(sw, &rs[v], v, size - 1);
		break;
	}
	case TAG_BYE:
		(*byes)++;
		break;
	default:
		failed = SS_EIO;
	}
	return failed;
}

int ss_mpi_master(ss_sweep *sw)
{
	int size = ss_mpi_size();
	rank_state *rs = calloc((size_t)size, sizeof *rs);
	void *buf = NULL;
	size_t cap = 0;
	int byes = 0, rc = rs ? SS_OK : SS_ENOMEM;
	/* Every rank must be told to stop, whatever happens here: go on
	   answering after a failure, with STOP. */
	int failed = rc;
	while (rs && byes < size - 1) {
		MPI_Status stv;
		int len = 0;
		int held = 0;
		for (int v = 1; v < size; v++)
			held |= rs[v].pending > 0 && !rs[v].stopped;
		if ((rc = receive(MPI_ANY_SOURCE, held ? MASTER_URGENT_NS : MASTER_WAIT_NS, &buf, &cap, &stv, &len)))
			break; /* the communication itself failed: nothing can be told */
		int w = stv.MPI_SOURCE;
		if (w <= 0 || w >= size)
			continue;
		if (stv.MPI_TAG != TAG_PACK) {
			failed = SS_EIO;
		} else {
			/* The records of a pack, in order. */
			size_t at = 0;
			while (!failed && at < (size_t)len) {
				pack_rec r;
				if ((size_t)len - at < sizeof r) {
					failed = SS_EIO;
					break;
				}
				memcpy(&r, (char *)buf + at, sizeof r);
				at += sizeof r;
				if ((size_t)len - at < r.len) {
					failed = SS_EIO;
					break;
				}
				failed = handle(sw, rs, size, w, r.tag, (char *)buf + at, r.len, &byes);
				at += PACK_ALIGN(r.len);
			}
		}
		if (!failed)
			failed = serve(sw, &rs[w], w, size - 1);
		for (int v = 1; failed && v < size; v++) {
			rs[v].stopped = 1;
			serve(sw, &rs[v], v, size - 1);
		}
	}
	free(buf);
	free(rs);
	return rc ? rc : failed;
}

typedef struct emit_ctx {
	void *buf;
	size_t cap;
	outbox *out;
} emit_ctx;

static int send_result(void *ud, const ss_sweep_item *it, int rep, const ss_metrics *m, const ss_run_info *info,
		       double t0, double t1)
{
	emit_ctx *ec = ud;
	size_t len = sizeof(result_msg) + m->n * sizeof(ss_metric);
	if (len > ec->cap) {
		void *nb = realloc(ec->buf, len);
		if (!nb)
			return SS_ENOMEM;
		ec->buf = nb;
		ec->cap = len;
	}
	result_msg *h = ec->buf;
	memset(h, 0, sizeof *h);
	h->it = *it;
	h->rep = rep;
	h->t0 = t0;
	h->t1 = t1;
	h->info = *info;
	h->bottleneck_util = m->bottleneck_util;
	memcpy(h->bottleneck, m->bottleneck, sizeof h->bottleneck);
	h->n = m->n;
	if (m->n)
		memcpy(h + 1, m->v, m->n * sizeof(ss_metric));
	return outbox_post(ec->out, ec->buf, len, TAG_RESULT);
}

int ss_mpi_worker(ss_sweep *sw)
{
	outbox out = {.rq = NULL};
	emit_ctx ec = {NULL, 0, &out};
	void *buf = NULL;
	size_t cap = 0;
	int outstanding = 0, stop = 0, rc = SS_OK;
	/* No collective here: rank 0 is still preparing, and a blocking
	   MPI call would spin on the processors it needs. */
	const char *mine = ss_sweep_config(sw);
	rc = outbox_post(&out, mine, strlen(mine), TAG_HELLO);
	double pace = 0; /* s per item, a moving average */
	int ahead = AHEAD_INIT;
	for (int i = 0; i < ahead && rc == SS_OK; i++, outstanding++)
		rc = outbox_post(&out, NULL, 0, TAG_REQUEST);
	while (rc == SS_OK && outstanding > 0) {
		MPI_Status stv;
		int len = 0, here = 0;
		/* No work waiting here: rank 0 must see the requests now. */
		if (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &here, &stv) != MPI_SUCCESS) {
			rc = SS_EIO;
			break;
		}
		if (!here && (rc = outbox_flush(&out)))
			break;
		if ((rc = receive(0, WAIT_MIN_NS, &buf, &cap, &stv, &len)))
			break;
		outstanding--;
		if (stv.MPI_TAG == TAG_STOP) {
			stop = 1;
			continue;
		}
		if (stv.MPI_TAG != TAG_ITEM || (size_t)len != sizeof(ss_sweep_item)) {
			rc = SS_EIO;
			break;
		}
		finished_msg f;
		memset(&f, 0, sizeof f);
		memcpy(&f.it, buf, sizeof f.it);
		double t0 = ss_sweep_wall();
		f.rc = ss_sweep_compute(sw, &f.it, send_result, &ec, f.err, sizeof f.err);
		if ((rc = outbox_post(&out, &f, sizeof f, TAG_FINISHED)))
			break;
		double dt = ss_sweep_wall() - t0;
		pace = pace > 0 ? 0.8 * pace + 0.2 * dt : dt;
		ahead = pace * AHEAD_MAX < AHEAD_S ? AHEAD_MAX : (int)(AHEAD_S / pace) + 1;
		if (ahead < AHEAD_MIN)
			ahead = AHEAD_MIN;
		int asked = 0;
		while (!stop && rc == SS_OK && outstanding < ahead) {
			if ((rc = outbox_post(&out, NULL, 0, TAG_REQUEST)) == SS_OK)
				outstanding++, asked = 1;
		}
		/* Requests go at once: rank 0 wakes on its own schedule, so an
		   early pack costs it nothing, while one held for FLUSH_S lets a
		   rank of cheap items run dry (measured: 5-8 ms idle each time). */
		if (asked && rc == SS_OK)
			rc = outbox_flush(&out);
	}
	if (rc == SS_OK)
		rc = outbox_post(&out, NULL, 0, TAG_BYE);
	if (rc == SS_OK)
		rc = outbox_flush(&out);
	/* Every buffer stays until its message has left. */
	int rc2 = outbox_reap(&out, 1);
	if (rc == SS_OK)
		rc = rc2;
	outbox_fini(&out);
	free(buf);
	free(ec.buf);
	return rc;
}
