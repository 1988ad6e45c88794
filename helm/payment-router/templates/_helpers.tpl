{{/* Chart name, overridable. */}}
{{- define "payment-router.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name of the release's objects: at most 63 characters (DNS label). */}}
{{- define "payment-router.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "payment-router.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "payment-router.labels" -}}
helm.sh/chart: {{ include "payment-router.chart" . }}
{{ include "payment-router.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: payment-router
{{- end }}

{{/* The Service of the management port: never the merchants' Service. */}}
{{- define "payment-router.managementServiceName" -}}
{{- printf "%s-management" (include "payment-router.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}

{{/* Labels that select the router's pods. */}}
{{- define "payment-router.selectorLabels" -}}
app.kubernetes.io/name: {{ include "payment-router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The service account the pods run as. */}}
{{- define "payment-router.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "payment-router.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference. */}}
{{- define "payment-router.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Where the ConfigMap's application.yaml is mounted. */}}
{{- define "payment-router.configDirectory" -}}
/etc/payment-router
{{- end }}

{{/*
"true" when the chart must create its own Secret: a value that is not taken from an existing Secret, or an
operator token to generate.
*/}}
{{- define "payment-router.createSecret" -}}
{{- $create := not .Values.database.existingSecret }}
{{- range $name, $provider := .Values.providers }}
{{- if and (or $provider.apiKey $provider.webhookSecrets $provider.webhookHmacKeys) (not $provider.existingSecret) }}
{{- $create = true }}
{{- end }}
{{- end }}
{{- range $name, $operator := .Values.operators }}
{{- if not (default (dict) $operator).existingSecret }}
{{- $create = true }}
{{- end }}
{{- end }}
{{- if $create }}true{{ end }}
{{- end }}

{{/*
The application.yaml of the ConfigMap: the non-secret settings under payment-router.*, then extraConfig merged
over them. Secrets (apiKey, webhookSecrets, webhookHmacKeys) and the chart's own keys (existingSecret*) are left
out.
*/}}
{{- define "payment-router.applicationYaml" -}}
{{- $providers := dict }}
{{- range $name, $provider := .Values.providers }}
{{- $_ := set $providers $name (omit $provider "apiKey" "existingSecret" "existingSecretKey" "webhookSecrets"
  "webhookHmacKeys" "existingSecretWebhookSecretKeys" "existingSecretWebhookHmacKeyKeys") }}
{{- end }}
{{- $router := dict "providers" $providers }}
{{- range $section := list "routing" "intents" "recovery" "api" "webhooks" "clusterLimits" "merchants" }}
{{- with index $.Values $section }}
{{- $_ := set $router $section . }}
{{- end }}
{{- end }}
{{- $_ := set $router "stripeApi" (dict "enabled" .Values.stripeApi.enabled "port" 8082
  "confirmWait" .Values.stripeApi.confirmWait) }}
{{- $config := dict "payment-router" $router }}
{{- toYaml (mergeOverwrite $config (deepCopy .Values.extraConfig)) }}
{{- end }}

{{/* The Secret holding the token-encryption keys: the named existing one, or the chart's own. */}}
{{- define "payment-router.tokenEncryptionSecret" -}}
{{- .Values.tokenEncryption.existingSecret | default (printf "%s-token-encryption" (include "payment-router.fullname" .)) }}
{{- end }}

{{/*
The keys the chart's own token-encryption Secret holds today (entry name to base64 data), found with lookup; empty
on a first install. Only a render against a cluster looks: its discovered API versions name kinds ("v1/Secret"),
while helm template's built-in ones name only group versions and have no cluster to look in.
*/}}
{{- define "payment-router.tokenEncryptionExisting" -}}
{{- $data := dict }}
{{- if and (not .Values.tokenEncryption.existingSecret) (.Capabilities.APIVersions.Has "v1/Secret") }}
{{- with lookup "v1" "Secret" .Release.Namespace (include "payment-router.tokenEncryptionSecret" .) }}
{{- with .data }}
{{- $data = . }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $data }}
{{- end }}

{{/*
Ids of the token-encryption keys the pods get, comma-separated: the active key, and the older ones (those named
in keyIds for an existing Secret; every key already in the chart's own Secret).
*/}}
{{- define "payment-router.tokenKeyIds" -}}
{{- $ids := list .Values.tokenEncryption.activeKey }}
{{- if .Values.tokenEncryption.existingSecret }}
{{- $ids = concat $ids .Values.tokenEncryption.keyIds }}
{{- else }}
{{- $ids = concat $ids (keys (include "payment-router.tokenEncryptionExisting" . | fromJson)) }}
{{- end }}
{{- $ids | uniq | sortAlpha | join "," }}
{{- end }}
