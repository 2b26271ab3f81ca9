-- wrk script: XML-RPC supervisor.sendProcessStdin("sink", "ping\n") (the analogue of tcprocd's command)
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = [[<?xml version="1.0"?><methodCall><methodName>supervisor.sendProcessStdin</methodName><params><param><value><string>sink</string></value></param><param><value><string>ping
</string></value></param></params></methodCall>]]
