{{/*
The objects mirror src/drivers/kubernetes/render.ts, src/lifecycle/host-objects.ts and
src/lifecycle/policy-objects.ts; test/integration/chart-drift.test.ts renders both and compares them.
Change both sides together.
*/}}

{{/* The release name is the vcluster name: at most 52 characters of a DNS label (src/lifecycle/naming.ts). */}}
{{- define "vcluster.name" -}}
{{- $n := .Release.Name -}}
{{- if or (gt (len $n) 52) (not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $n)) -}}
{{- fail (printf "invalid vcluster (release) name %q: must be at most 52 characters of lower-case letters, digits and '-', starting and ending with a letter or digit" $n) -}}
{{- end -}}
{{- $n -}}
{{- end -}}

{{- define "vcluster.labels" -}}
app: vcluster
release: {{ include "vcluster.name" . }}
{{- end -}}

{{/* The effective vcluster.yaml: Secret vc-config-NAME, ConfigMap NAME-config and the seed carry it. */}}
{{- define "vcluster.configYaml" -}}
{{- toYaml .Values.config -}}
{{- end -}}

{{/* The hash `vcluster create` puts on the pod template (src/drivers/kubernetes/config-hash.ts). */}}
{{- define "vcluster.configHash" -}}
{{- .Values.config | toJson | sha256sum | trunc 16 -}}
{{- end -}}

{{/* vcluster.loft.sh/store of Secret vc-config-NAME (backingStoreOf in src/config/resolve.ts). */}}
{{- define "vcluster.store" -}}
{{- $bs := .Values.config.controlPlane.backingStore -}}
{{- if $bs.database.embedded.enabled -}}embedded-database
{{- else if $bs.database.external.enabled -}}external-database
{{- else if $bs.etcd.external.enabled -}}external-etcd
{{- else -}}embedded-database
{{- end -}}
{{- end -}}

{{/*
An image: the default ref with the non-empty parts of a vcluster.yaml {registry, repository, tag}
(imageRef in src/drivers/kubernetes/image-refs.ts). Call with (dict "default" REF "custom" PARTS).
*/}}
{{- define "vcluster.image" -}}
{{- $ref := .default -}}
{{- $c := .custom | default dict -}}
{{- if not (or $c.registry $c.repository $c.tag) -}}
{{- $ref -}}
{{- else -}}
{{- $colon := regexFind ":[^:/]*$" $ref -}}
{{- $noTag := trimSuffix $colon $ref -}}
{{- $dReg := regexFind "^[^/]*" $noTag -}}
{{- $dRepo := trimPrefix (printf "%s/" $dReg) $noTag -}}
{{- $registry := $c.registry | default (ternary "" $dReg (not (empty $c.repository))) -}}
{{- $repository := $c.repository | default $dRepo -}}
{{- $tag := $c.tag | default (trimPrefix ":" $colon) -}}
{{- if $registry }}{{ regexReplaceAll "/+$" $registry "" }}/{{ end }}{{ $repository }}:{{ $tag }}
{{- end -}}
{{- end -}}
