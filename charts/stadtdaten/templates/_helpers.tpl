{{/*
Services of the chart in a fixed order, each with its entry point. The dashboard has no entry
point of its own: the query API's process serves the pages, so the dashboard runs that process.
*/}}
{{- define "stadtdaten.serviceNames" -}}
ingest-gateway validator storage-writer query-api dashboard analytics
{{- end -}}

{{/*
Secret of the client certificate that the pods of a service mount at /etc/stadtdaten/mqtt: the
gateway's at the MQTT broker always, the analytics service's there when it sends quality
messages, the query API's at the SensorThings MQTT broker when it sends SensorThings messages.
Empty mounts none.
Usage: include "stadtdaten.mqttClientSecret" (dict "root" $ "component" NAME)
*/}}
{{- define "stadtdaten.mqttClientSecret" -}}
{{- if eq .component "ingest-gateway" -}}
{{- .root.Values.mqtt.clientCertificateSecret -}}
{{- else if has .component (list "analytics" "query-api") -}}
{{- (index .root.Values.services .component).mqttClientCertificateSecret -}}
{{- end -}}
{{- end -}}

{{/* Services that consume a Kafka consumer group, with the group name. */}}
{{- define "stadtdaten.consumerGroup" -}}
{{- $groups := dict "validator" "validator" "storage-writer" "storage-writer" -}}
{{- get $groups . -}}
{{- end -}}

{{/* Image reference of one service: dict "root" $ "component" NAME */}}
{{- define "stadtdaten.image" -}}
{{- $image := .root.Values.image -}}
{{- $name := printf "%s/%s/%s" $image.registry $image.repository .component -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $name $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Whether KEDA scales this component (validator and storage-writer only). */}}
{{- define "stadtdaten.kedaScaled" -}}
{{- if and .root.Values.keda.enabled (include "stadtdaten.consumerGroup" .component) -}}true{{- end -}}
{{- end -}}

{{/*
Stops rendering with a clear message when values contradict each other in ways that
values.schema.json cannot express.
*/}}
{{- define "stadtdaten.checkValues" -}}
{{- $values := .Values -}}
{{- range $component := list "validator" "storage-writer" -}}
{{- $service := index $values.services $component -}}
{{- if and $service.enabled $service.autoscaling.enabled (gt (int $service.autoscaling.maxReplicas) (int $values.kafka.partitions)) -}}
{{- fail (printf "services.%s.autoscaling.maxReplicas (%d) is larger than kafka.partitions (%d): replicas beyond the partition count of a consumer group stay idle; lower maxReplicas or raise kafka.partitions" $component (int $service.autoscaling.maxReplicas) (int $values.kafka.partitions)) -}}
{{- end -}}
{{- end -}}
{{- if and $values.ingress.enabled (not $values.services.dashboard.enabled) (not (index $values.services "query-api").enabled) -}}
{{- fail "ingress.enabled is true but neither services.query-api nor services.dashboard is enabled; enable one or set ingress.enabled=false" -}}
{{- end -}}
{{- if and (not $values.httpTls.enabled) (not $values.allowPlaintext) -}}
{{- fail "httpTls.enabled is false but allowPlaintext is false: the services refuse a plaintext HTTP listener on a non-loopback address; enable httpTls or set allowPlaintext=true" -}}
{{- end -}}
{{- $queryApi := index $values.services "query-api" -}}
{{- if and $values.networkPolicy.enabled $queryApi.enabled $queryApi.mqttClientCertificateSecret (not (has "sensorthings-mqtt" $queryApi.egressTo)) -}}
{{- fail "services.query-api.mqttClientCertificateSecret is set but services.query-api.egressTo lacks \"sensorthings-mqtt\": the network policy would block its SensorThings messages; add \"sensorthings-mqtt\" to egressTo or set mqttClientCertificateSecret to \"\"" -}}
{{- end -}}
{{- if and (eq $values.kafka.authentication.type "plain") (not $values.kafka.authentication.username) -}}
{{- fail "kafka.authentication.type=plain needs kafka.authentication.username (Azure Event Hubs: \"$ConnectionString\")" -}}
{{- end -}}
{{- end -}}

{{/* Key Vault secrets of azureKeyVault.secrets grouped by the Kubernetes Secret they fill, as YAML. */}}
{{- define "stadtdaten.keyVaultSecretsByName" -}}
{{- $grouped := dict -}}
{{- range .Values.azureKeyVault.secrets -}}
{{- $entries := get $grouped .secretName | default list -}}
{{- $_ := set $grouped .secretName (append $entries (dict "objectName" .objectName "key" .key)) -}}
{{- end -}}
{{- toYaml $grouped -}}
{{- end -}}

{{/* Whether the pods mount /etc/stadtdaten/kafka: the CA of a private broker certificate. */}}
{{- define "stadtdaten.kafkaFilesMounted" -}}
{{- $kafka := .Values.kafka -}}
{{- if and $kafka.tls.enabled $kafka.tls.caSecret.name -}}true{{- end -}}
{{- end -}}

{{/* URL scheme of the services' HTTP listeners. */}}
{{- define "stadtdaten.httpScheme" -}}
{{- ternary "HTTPS" "HTTP" .Values.httpTls.enabled -}}
{{- end -}}
