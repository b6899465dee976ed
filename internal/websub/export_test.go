package websub

import "context"

// RunDue runs what is due now and returns when it is done, so tests drive the
// hub step by step instead of waiting for the background loop.
func (h *Hub) RunDue(ctx context.Context) error { return h.runDue(ctx) }
