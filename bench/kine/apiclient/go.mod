module github.com/vcluster-ts/vcluster-ts/bench/kine/apiclient

go 1.26.0
