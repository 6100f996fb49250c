"""Xiangli: the platform for village and community service centres (党群服务中心)."""
