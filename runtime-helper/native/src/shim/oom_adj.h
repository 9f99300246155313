/* The shim asks the OOM killer to spare it (oom_score_adj -999, as other monitors do): a killed
 * shim loses the container's exit status and output. Lowering the score needs CAP_SYS_RESOURCE,
 * so this is best effort. The runtime (and so the container) gets the shim's original score
 * back before it executes: the container's own oomScoreAdj is the runtime's business. */
#ifndef BERTH_SHIM_OOM_ADJ_H
#define BERTH_SHIM_OOM_ADJ_H

/* Called once at start; remembers the original value. */
void oom_adj_protect_self(void);

/* Called in the runtime's child before exec: restores the original value. Async-signal-safe. */
void oom_adj_restore_in_child(void);

#endif
