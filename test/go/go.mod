module github.com/vcluster-ts/vcluster-ts/test/go

go 1.26.0
