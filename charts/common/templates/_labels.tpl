{{/*
Labels of every object of one component.
Usage: include "common.labels.standard" (dict "root" $ "component" "query-api")
*/}}
{{- define "common.labels.standard" -}}
{{ include "common.labels.selector" . }}
app.kubernetes.io/part-of: stadtdaten
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "common.names.chart" .root }}
{{- end -}}

{{/* Labels that select the pods of one component; they never change between releases. */}}
{{- define "common.labels.selector" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}
