{{- define "libtop.name" -}}libtop{{- end -}}
