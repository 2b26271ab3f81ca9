-- wrk script: XML-RPC supervisor.getAllProcessInfo (the supervisord analogue of tcprocd's list)
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = [[<?xml version="1.0"?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>]]
