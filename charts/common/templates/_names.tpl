{{/*
Name of an object of one component: "<release>-<component>", cut to the 63 characters that
Kubernetes allows in a label value and a DNS label.
Usage: include "common.names.component" (dict "root" $ "component" "query-api")
*/}}
{{- define "common.names.component" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of an object that belongs to the whole release. */}}
{{- define "common.names.release" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Chart name and version as used by the helm.sh/chart label. */}}
{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
