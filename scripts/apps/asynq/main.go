package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
)

func main() {
	addr := os.Args[1]
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: addr})
	defer client.Close()
	var done atomic.Int64
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: addr}, asynq.Config{Concurrency: 5, Queues: map[string]int{"default": 1}, LogLevel: asynq.ErrorLevel})
	mux := asynq.NewServeMux()
	mux.HandleFunc("email", func(ctx context.Context, t *asynq.Task) error {
		if n := done.Add(1); n%13 == 0 {
			return fmt.Errorf("retry me")
		}
		return nil
	})
	go srv.Run(mux)
	for i := 0; i < 100; i++ {
		opts := []asynq.Option{asynq.MaxRetry(3), asynq.Retention(time.Minute)}
		if i%10 == 0 {
			opts = append(opts, asynq.ProcessIn(500*time.Millisecond))
		}
		if i%7 == 0 {
			opts = append(opts, asynq.Unique(time.Minute))
		}
		if _, err := client.Enqueue(asynq.NewTask("email", []byte(fmt.Sprint(i))), opts...); err != nil {
			fmt.Println("enqueue:", err)
			os.Exit(1)
		}
	}
	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: addr})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		info, err := insp.GetQueueInfo("default")
		if err != nil {
			fmt.Println("inspect:", err)
			os.Exit(1)
		}
		if info.Processed >= 100 && info.Pending == 0 && info.Scheduled == 0 && info.Active == 0 {
			fmt.Printf("ok: completed=%d retry=%d processed=%d\n", info.Completed, info.Retry, done.Load())
			srv.Shutdown()
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	info, _ := insp.GetQueueInfo("default")
	fmt.Printf("timeout: %+v processed=%d\n", info, done.Load())
	os.Exit(1)
}
