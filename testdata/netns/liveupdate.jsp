# The update server's answer, run by busybox httpd as a CGI script: no
# update, and a session cookie that expired long ago.
echo "Content-Type: text/html;charset=UTF-8"
echo "Set-Cookie: JSESSIONID=9F3C2A61B0D4E7; Expires=Thu, 01-Jan-2009 00:00:10 GMT; Path=/"
echo ""
printf '[NO UPDATE]'
