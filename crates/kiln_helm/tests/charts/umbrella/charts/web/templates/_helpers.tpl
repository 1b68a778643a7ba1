{{- define "shared.name" -}}
web-loses
{{- end -}}
{{- define "web.fullname" -}}
{{ .Release.Name }}-{{ .Chart.Name }}
{{- end -}}
