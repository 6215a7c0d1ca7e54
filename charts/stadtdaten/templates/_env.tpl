{{/*
Settings of one service that are no secrets, as the data of its ConfigMap. Every key is a
STADTDATEN_* variable of libs/config or of the service's src/config.ts.
Usage: include "stadtdaten.configData" (dict "root" $ "component" NAME)
*/}}
{{- define "stadtdaten.configData" -}}
{{- $values := .root.Values -}}
{{- $service := index $values.services .component -}}
STADTDATEN_ENV: {{ $values.environment | quote }}
STADTDATEN_LOG_LEVEL: {{ $values.logLevel | quote }}
STADTDATEN_DATA_DIR: "/var/lib/stadtdaten"
STADTDATEN_HTTP_HOST: "0.0.0.0"
STADTDATEN_HTTP_PORT: "8080"
STADTDATEN_ALLOW_PLAINTEXT: {{ $values.allowPlaintext | quote }}
{{- if $values.httpTls.enabled }}
STADTDATEN_HTTP_TLS_CERT_FILE: "/etc/stadtdaten/http/tls.crt"
STADTDATEN_HTTP_TLS_KEY_FILE: "/etc/stadtdaten/http/tls.key"
{{- end }}
STADTDATEN_AVAILABLE_STORAGE_PROFILES: {{ join "," $values.storageProfiles.available | quote }}
STADTDATEN_KEK_FILE: "/etc/stadtdaten/kek/kek.key"
STADTDATEN_EVENT_LOG: "kafka"
STADTDATEN_KAFKA_BROKERS: {{ join "," $values.kafka.bootstrapServers | quote }}
STADTDATEN_KAFKA_CLIENT_ID: {{ $values.kafka.clientIdPrefix | quote }}
STADTDATEN_KAFKA_PARTITIONS: {{ $values.kafka.partitions | quote }}
STADTDATEN_KAFKA_REPLICATION_FACTOR: {{ $values.kafka.replicationFactor | quote }}
{{- if and $values.kafka.tls.enabled $values.kafka.tls.caSecret.name }}
STADTDATEN_KAFKA_SSL_CA_FILE: "/etc/stadtdaten/kafka/ca.crt"
{{- else if $values.kafka.tls.enabled }}
STADTDATEN_KAFKA_SSL: "true"
{{- end }}
{{- if hasPrefix "scram-" $values.kafka.authentication.type }}
STADTDATEN_KAFKA_SASL_MECHANISM: {{ $values.kafka.authentication.type | quote }}
STADTDATEN_KAFKA_SASL_USERNAME: {{ .component | quote }}
{{- else if eq $values.kafka.authentication.type "plain" }}
STADTDATEN_KAFKA_SASL_MECHANISM: "plain"
STADTDATEN_KAFKA_SASL_USERNAME: {{ $values.kafka.authentication.username | quote }}
{{- end }}
STADTDATEN_TIMESERIES: "influxdb"
STADTDATEN_INFLUXDB_URL: {{ $values.influxdb.url | quote }}
STADTDATEN_INFLUXDB_DATABASE_LAYOUT: {{ $values.influxdb.databaseLayout | quote }}
STADTDATEN_INFLUXDB_DATABASE_PREFIX: {{ $values.influxdb.databasePrefix | quote }}
STADTDATEN_REGISTRY: "postgres"
STADTDATEN_AUTH: "oidc"
STADTDATEN_OIDC_ISSUER: {{ $values.oidc.issuer | quote }}
STADTDATEN_OIDC_AUDIENCE: {{ $values.oidc.audience | quote }}
{{- if $values.oidc.jwksUrl }}
STADTDATEN_OIDC_JWKS_URL: {{ $values.oidc.jwksUrl | quote }}
{{- end }}
{{- if $values.trustedCa.secretName }}
STADTDATEN_INFLUXDB_CA_FILE: "/etc/stadtdaten/ca/ca.crt"
STADTDATEN_OIDC_CA_FILE: "/etc/stadtdaten/ca/ca.crt"
NODE_EXTRA_CA_CERTS: "/etc/stadtdaten/ca/ca.crt"
{{- end }}
{{- if eq .component "ingest-gateway" }}
STADTDATEN_MQTT: "external"
STADTDATEN_MQTT_URL: {{ $values.mqtt.url | quote }}
STADTDATEN_MQTT_CA_FILE: "/etc/stadtdaten/mqtt/ca.crt"
STADTDATEN_MQTT_CERT_FILE: "/etc/stadtdaten/mqtt/tls.crt"
STADTDATEN_MQTT_KEY_FILE: "/etc/stadtdaten/mqtt/tls.key"
STADTDATEN_MQTT_CONNECTIONS: {{ $values.mqtt.connections | quote }}
STADTDATEN_MQTT_SHARE_GROUP: {{ $values.mqtt.shareGroup | quote }}
{{- end }}
{{- if and (eq .component "analytics") $service.mqttClientCertificateSecret }}
STADTDATEN_ANALYTICS_MQTT_URL: {{ $values.mqtt.url | quote }}
STADTDATEN_ANALYTICS_MQTT_CA_FILE: "/etc/stadtdaten/mqtt/ca.crt"
STADTDATEN_ANALYTICS_MQTT_CERT_FILE: "/etc/stadtdaten/mqtt/tls.crt"
STADTDATEN_ANALYTICS_MQTT_KEY_FILE: "/etc/stadtdaten/mqtt/tls.key"
{{- end }}
{{- if and (eq .component "query-api") $service.mqttClientCertificateSecret }}
STADTDATEN_STA_MQTT_URL: {{ $values.sensorThingsMqtt.url | quote }}
STADTDATEN_STA_MQTT_CA_FILE: "/etc/stadtdaten/mqtt/ca.crt"
STADTDATEN_STA_MQTT_CERT_FILE: "/etc/stadtdaten/mqtt/tls.crt"
STADTDATEN_STA_MQTT_KEY_FILE: "/etc/stadtdaten/mqtt/tls.key"
{{- end }}
{{- if and (eq .component "analytics") $service.analyticsFileSecret.name }}
STADTDATEN_ANALYTICS_FILE: "/etc/stadtdaten/analytics/analytics.yaml"
{{- end }}
{{- if has .component (list "ingest-gateway" "validator") }}
STADTDATEN_MAX_PAYLOAD_BYTES: {{ $service.maxPayloadBytes | quote }}
{{- end }}
{{- if has .component (list "query-api" "dashboard") }}
STADTDATEN_DASHBOARD_TENANT: {{ $service.dashboardTenant | quote }}
{{- if $service.tileUrl }}
STADTDATEN_TILE_URL: {{ $service.tileUrl | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := $service.extraEnv }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/*
Environment of one service's container: the pod name, the secrets by reference, and the
ConfigMap. Variables that other values expand with $(NAME) come first, as Kubernetes requires.
*/}}
{{- define "stadtdaten.env" -}}
{{- $values := .root.Values -}}
{{- $service := index $values.services .component -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- if eq .component "ingest-gateway" }}
# Persistent MQTT sessions need a client id of their own per pod.
# NOTE: a replaced pod gets a new name, so its old sessions stay on Mosquitto until
# persistent_client_expiration (14 days in k8s/mosquitto); whether Mosquitto still queues
# shared-subscription messages for such an offline session was not tested.
- name: STADTDATEN_MQTT_CLIENT_ID
  value: "stadtdaten-gateway-$(POD_NAME)"
{{- end }}
{{- if and (eq .component "query-api") $service.mqttClientCertificateSecret }}
# Prefix of the client id; the query API appends a random suffix to it at each connection.
- name: STADTDATEN_STA_MQTT_CLIENT_ID
  value: "stadtdaten-sta-$(POD_NAME)"
{{- end }}
- name: POSTGRES_BASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $values.postgres.existingSecret.name | quote }}
      key: {{ $values.postgres.existingSecret.key | quote }}
- name: STADTDATEN_POSTGRES_URL
  value: {{ ternary "$(POSTGRES_BASE_URL)" (printf "$(POSTGRES_BASE_URL)?%s" $values.postgres.urlParameters) (empty $values.postgres.urlParameters) | quote }}
- name: STADTDATEN_INFLUXDB_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $values.influxdb.existingSecret.name | quote }}
      key: {{ $values.influxdb.existingSecret.usernameKey | quote }}
- name: STADTDATEN_INFLUXDB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $values.influxdb.existingSecret.name | quote }}
      key: {{ $values.influxdb.existingSecret.passwordKey | quote }}
{{- if ne $values.kafka.authentication.type "none" }}
- name: STADTDATEN_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $service.kafkaUserSecret | quote }}
      key: {{ $values.kafka.authentication.passwordKey | quote }}
{{- end }}
{{- end -}}
